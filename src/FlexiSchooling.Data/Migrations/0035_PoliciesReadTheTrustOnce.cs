using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Row-level security reads the current trust once per statement (ADR 0027), from 0035_policies_read_the_trust_once.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000035_PoliciesReadTheTrustOnce")]
public sealed class PoliciesReadTheTrustOnce : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0035_policies_read_the_trust_once.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
