using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Data;

/// <summary>
/// PostgreSQL names in snake_case, so hand-written SQL (migrations, RLS policies) reads naturally.
/// The EFCore.NamingConventions package is not on our NuGet mirror for EF Core 10 (docs/adr/0002).
/// </summary>
internal static class SnakeCaseNames
{
    public static void Apply(ModelBuilder builder)
    {
        foreach (var entity in builder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                // A uint row version is PostgreSQL's xmin system column: optimistic concurrency
                // without a column of our own (Npgsql's documented mapping).
                if (property.ClrType == typeof(uint) && property.IsConcurrencyToken)
                {
                    property.SetColumnName("xmin");
                    property.SetColumnType("xid");
                    continue;
                }

                property.SetColumnName(ToSnake(property.GetColumnName()));
            }

            foreach (var complex in entity.GetComplexProperties())
            {
                foreach (var property in complex.ComplexType.GetProperties())
                {
                    property.SetColumnName(ToSnake(property.GetColumnName()));
                }
            }
        }
    }

    public static string ToSnake(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
