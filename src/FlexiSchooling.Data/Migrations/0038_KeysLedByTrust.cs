using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>Every key of a trust's table led by trust_id (ADR 0032), from 0038_trust_led_keys.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261203000038_KeysLedByTrust")]
public sealed class KeysLedByTrust : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0038_trust_led_keys.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
