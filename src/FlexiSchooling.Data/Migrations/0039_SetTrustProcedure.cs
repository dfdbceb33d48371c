using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>The trust for a transaction set by a procedure, not a DO block (ADR 0044), from 0039_set_trust_procedure.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261205000039_SetTrustProcedure")]
public sealed class SetTrustProcedure : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0039_set_trust_procedure.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
