using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Tests.Support;

/// <summary>A real RSA key pair with a kid, as a tenant holds one.</summary>
public sealed class TestSigningKey : IDisposable
{
    public TestSigningKey(string? kid = null, int bits = 2048)
    {
        Rsa = RSA.Create(bits);
        Kid = kid ?? "key-" + Guid.NewGuid().ToString("N")[..12];
    }

    public RSA Rsa { get; }

    public string Kid { get; }

    /// <summary>The public half as a JWKS entry.</summary>
    public object PublicJwk
    {
        get
        {
            var parameters = Rsa.ExportParameters(includePrivateParameters: false);
            return new
            {
                kty = "RSA",
                use = "sig",
                alg = "RS256",
                kid = Kid,
                n = Base64UrlEncoder.Encode(parameters.Modulus),
                e = Base64UrlEncoder.Encode(parameters.Exponent),
            };
        }
    }

    /// <summary>The public key in PEM-free DER form, as an attacker would use it for an HS256 confusion secret.</summary>
    public byte[] PublicKeyBytes => Rsa.ExportSubjectPublicKeyInfo();

    public void Dispose() => Rsa.Dispose();
}
