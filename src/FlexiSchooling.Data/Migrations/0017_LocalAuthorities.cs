using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Local authorities as records of the trust, from 0017_local_authorities.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000017_LocalAuthorities")]
public sealed class LocalAuthorities : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0017_local_authorities.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
