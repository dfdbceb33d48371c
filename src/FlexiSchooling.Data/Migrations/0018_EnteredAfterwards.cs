using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Arrangements brought in from paper records, from 0018_entered_afterwards.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000018_EnteredAfterwards")]
public sealed class EnteredAfterwards : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0018_entered_afterwards.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
