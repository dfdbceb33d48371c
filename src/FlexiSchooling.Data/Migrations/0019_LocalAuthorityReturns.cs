using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Half-termly returns to local authorities, from 0019_local_authority_returns.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000019_LocalAuthorityReturns")]
public sealed class LocalAuthorityReturns : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0019_local_authority_returns.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
