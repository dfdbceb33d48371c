using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Ending with notice, from 0012_notice.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000012_Notice")]
public sealed class Notice : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0012_notice.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
