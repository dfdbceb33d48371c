using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Subject access requests and their exports, from 0022_subject_access_requests.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000022_SubjectAccessRequests")]
public sealed class SubjectAccessRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0022_subject_access_requests.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
