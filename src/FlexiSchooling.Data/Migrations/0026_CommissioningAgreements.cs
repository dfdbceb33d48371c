using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlexiSchooling.Data.Migrations;

/// <summary>AP commissioning agreements, from 0026_commissioning_agreements.sql.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261202000026_CommissioningAgreements")]
public sealed class CommissioningAgreements : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(MigrationSql.Read("0026_commissioning_agreements.sql"));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Migrations go forward only: restore from a backup to go back (docs/operations.md).");
}
