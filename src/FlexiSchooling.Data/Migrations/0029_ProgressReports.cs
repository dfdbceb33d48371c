using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>AP reviews as progress reports (002 appendix 6), from 0029_progress_reports.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000029_ProgressReports")]
public sealed class ProgressReports : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0029_progress_reports.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
