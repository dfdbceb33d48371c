using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Signature links, from 0014_signature_links.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122000014_SignatureLinks")]
public sealed class SignatureLinks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0014_signature_links.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
