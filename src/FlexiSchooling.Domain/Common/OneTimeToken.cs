using System.Security.Cryptography;
using System.Text;

namespace FlexiSchooling.Domain.Common;

/// <summary>
/// A secret that travels only in an emailed link (an invitation, a parent's signing link): 256 random bits,
/// URL-safe. Only its SHA-256 is stored, so a copy of the database cannot be used to follow a link.
/// </summary>
public static class OneTimeToken
{
    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
