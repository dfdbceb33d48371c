using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>A record of each night's check that the pupils' weeks and years equal their marks (ADR 0057), from 0042_attendance_summary_checks.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261207000042_AttendanceSummaryChecks")]
public sealed class AttendanceSummaryChecks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0042_attendance_summary_checks.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
