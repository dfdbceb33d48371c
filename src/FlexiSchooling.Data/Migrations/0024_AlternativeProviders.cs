using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Alternative providers and their checks, from 0024_alternative_providers.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000024_AlternativeProviders")]
public sealed class AlternativeProviders : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0024_alternative_providers.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
