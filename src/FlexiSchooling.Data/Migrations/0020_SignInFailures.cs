using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Failed sign-ins for addresses without an account, from 0020_sign_in_failures.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000020_SignInFailures")]
public sealed class SignInFailures : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0020_sign_in_failures.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
