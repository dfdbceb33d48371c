using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Leaner mark and history writes, from 0006_lean_mark_history.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000006_LeanMarkHistory")]
public sealed class LeanMarkHistory : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0006_lean_mark_history.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
