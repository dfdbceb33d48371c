using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Each school's year of attendance, kept as pairs of sessions with how many pupils share them (ADR 0031), from 0037_attendance_school_years.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261203000037_AttendanceSchoolYears")]
public sealed class AttendanceSchoolYears : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0037_attendance_school_years.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
