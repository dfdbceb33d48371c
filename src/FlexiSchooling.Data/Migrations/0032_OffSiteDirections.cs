using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Off-site directions (004 §6), from 0032_off_site_directions.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000032_OffSiteDirections")]
public sealed class OffSiteDirections : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0032_off_site_directions.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
