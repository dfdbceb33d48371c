using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>What an AP placement records when it ends, from 0027_placement_endings.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000027_PlacementEndings")]
public sealed class PlacementEndings : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0027_placement_endings.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
