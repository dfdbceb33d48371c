using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Initial visits to the provision (002 appendix 1b), from 0033_initial_visits.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000033_InitialVisits")]
public sealed class InitialVisits : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0033_initial_visits.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
