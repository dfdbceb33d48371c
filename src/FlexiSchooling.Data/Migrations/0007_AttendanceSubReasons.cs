using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Schools' reasons behind codes, from 0007_attendance_sub_reasons.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000007_AttendanceSubReasons")]
public sealed class AttendanceSubReasons : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0007_attendance_sub_reasons.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
