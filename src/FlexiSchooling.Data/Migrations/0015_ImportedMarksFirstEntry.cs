using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Imported marks keep their first history entry, from 0015_imported_marks_first_entry.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261201000015_ImportedMarksFirstEntry")]
public sealed class ImportedMarksFirstEntry : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0015_imported_marks_first_entry.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
