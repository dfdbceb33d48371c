using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>A placement's reintegration plan (002 §3.9), from 0030_reintegration_plans.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000030_ReintegrationPlans")]
public sealed class ReintegrationPlans : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0030_reintegration_plans.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
