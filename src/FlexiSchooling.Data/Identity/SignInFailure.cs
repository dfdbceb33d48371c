using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FlexiSchooling.Data.Identity;

/// <summary>
/// Failed sign-ins for an email address that has no account, counted as Identity counts them for one that does, so the
/// fifth wrong password shows the same lockout page either way (issue 14, item 4: "account existence does not leak").
/// Only a hash of the address is kept, belonging to no trust; a row outlives its lockout by a day at most.
/// </summary>
public sealed class SignInFailure
{
    private SignInFailure() { }

    /// <summary>SHA-256 of the normalised email, hex.</summary>
    public string EmailHash { get; private set; } = "";

    public int Failures { get; private set; }

    public DateTimeOffset? LockedUntil { get; private set; }

    public DateTimeOffset LastFailureAt { get; private set; }

    public static string Hash(string normalizedEmail) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)));

    /// <summary>
    /// Counts one more failure for the address in one statement (two tabs cannot both take the fifth), and says whether
    /// it is now locked out: while locked, failures do not count; the fifth locks it for the span and starts the count again.
    /// </summary>
    public static async Task<bool> FailAsync(AppDbContext db, string normalizedEmail, int maxFailures, TimeSpan lockout, DateTimeOffset now)
    {
        var hash = Hash(normalizedEmail);
        var until = now + lockout;
        var stale = now.AddDays(-1);
        await db.Database.ExecuteSqlAsync($"DELETE FROM sign_in_failures WHERE last_failure_at < {stale} AND (locked_until IS NULL OR locked_until < {stale})");
        return (await db.Database.SqlQuery<bool>($"""
            INSERT INTO sign_in_failures AS f (email_hash, failures, locked_until, last_failure_at)
            VALUES ({hash}, CASE WHEN {maxFailures} <= 1 THEN 0 ELSE 1 END, CASE WHEN {maxFailures} <= 1 THEN {until} END, {now})
            ON CONFLICT (email_hash) DO UPDATE SET
                failures = CASE WHEN f.locked_until > {now} THEN f.failures WHEN f.failures + 1 >= {maxFailures} THEN 0 ELSE f.failures + 1 END,
                locked_until = CASE WHEN f.locked_until > {now} THEN f.locked_until WHEN f.failures + 1 >= {maxFailures} THEN {until} ELSE NULL END,
                last_failure_at = {now}
            RETURNING coalesce(f.locked_until > {now}, false) AS "Value"
            """).ToListAsync()).Single(); // not composable: an INSERT … RETURNING
    }
}
