using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FlexiSchooling.Testing;

/// <summary>
/// A self-signed certificate for localhost, valid for a day, in the PEM file a TLS server reads (the certificate, then its
/// private key): the load balancer's certificate where the browser tests and the benchmark start HAProxy with
/// deploy/haproxy.cfg (ADR 0049). RSA 2048, the usual certificate, or ECDSA P-256. Linked into the browser tests and
/// the benchmark.
/// </summary>
public static class LocalhostCertificate
{
    public static (string Pem, X509Certificate2 Certificate) Make(bool ecdsa = false)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        using AsymmetricAlgorithm key = ecdsa ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var request = key is ECDsa curve
            ? new CertificateRequest("CN=localhost", curve, HashAlgorithmName.SHA256)
            : new CertificateRequest("CN=localhost", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(names.Build());
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return (certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n", certificate);
    }

    /// <summary>Makes one and writes its PEM file to <paramref name="path"/>, for a balancer whose client trusts any certificate.</summary>
    public static async Task WriteAsync(string path, bool ecdsa = false)
    {
        var (pem, certificate) = Make(ecdsa);
        certificate.Dispose();
        await File.WriteAllTextAsync(path, pem);
    }
}
