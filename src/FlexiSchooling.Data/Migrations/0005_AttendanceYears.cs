using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Yearly attendance summaries, from 0005_attendance_years.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000005_AttendanceYears")]
public sealed class AttendanceYears : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0005_attendance_years.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
