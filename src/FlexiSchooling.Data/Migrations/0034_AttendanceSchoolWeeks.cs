using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Closed weeks of each school's attendance, summed (ADR 0026; every week since ADR 0031), from 0034_attendance_school_weeks.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000034_AttendanceSchoolWeeks")]
public sealed class AttendanceSchoolWeeks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0034_attendance_school_weeks.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
