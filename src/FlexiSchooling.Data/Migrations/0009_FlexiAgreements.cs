using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>The flexi-schooling agreement, from 0009_flexi_agreements.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000009_FlexiAgreements")]
public sealed class FlexiAgreements : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0009_flexi_agreements.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
