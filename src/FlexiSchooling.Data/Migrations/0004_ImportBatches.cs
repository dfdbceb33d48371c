using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>The import batches, from 0004_import_batches.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000004_ImportBatches")]
public sealed class ImportBatches : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0004_import_batches.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
