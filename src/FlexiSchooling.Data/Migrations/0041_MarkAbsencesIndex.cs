using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>A partial index of the marks that are absences or N, for the follow-up list, from 0041_mark_absences_index.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261207000041_MarkAbsencesIndex")]
public sealed class MarkAbsencesIndex : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0041_mark_absences_index.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
