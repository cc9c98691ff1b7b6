using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// Reads a JWKS document into the RS256 signing keys this API will trust. Keys that are not RSA, not
/// for signatures, meant for another algorithm, without a <c>kid</c>, with a modulus shorter than 2048 bits
/// (RFC 7518 §3.3, counted in bits, not in the bytes of a possibly zero-padded <c>n</c>) or with parameters RSA
/// cannot import are left out, so no key that would fail at request time is ever trusted.
/// </summary>
internal static class JwksDocument
{
    private const int MinimumModulusBits = 2048;

    public static FrozenDictionary<string, SecurityKey> ReadSigningKeys(string json)
    {
        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException("The JWKS document is not valid JSON Web Key Set JSON.", ex);
        }

        var keys = new Dictionary<string, SecurityKey>(StringComparer.Ordinal);
        foreach (var jwk in set.Keys)
        {
            if (jwk.Kty != JsonWebAlgorithmsKeyTypes.RSA
                || string.IsNullOrEmpty(jwk.Kid)
                || (!string.IsNullOrEmpty(jwk.Use) && jwk.Use != JsonWebKeyUseNames.Sig)
                || (!string.IsNullOrEmpty(jwk.Alg) && jwk.Alg != SecurityAlgorithms.RsaSha256)
                || string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
            {
                continue;
            }

            byte[] modulus;
            byte[] exponent;
            try
            {
                modulus = Base64UrlEncoder.DecodeBytes(jwk.N);
                exponent = Base64UrlEncoder.DecodeBytes(jwk.E);
            }
            catch (FormatException)
            {
                continue;
            }

            // Leading zero bytes add length, not strength: a 1024-bit modulus padded to 256 bytes is still 1024 bits.
            modulus = modulus.AsSpan().TrimStart((byte)0).ToArray();
            if (BitLength(modulus) < MinimumModulusBits)
            {
                continue;
            }

            var parameters = new RSAParameters { Modulus = modulus, Exponent = exponent };
            if (!CanImport(parameters))
            {
                continue;
            }

            keys[jwk.Kid] = new RsaSecurityKey(parameters) { KeyId = jwk.Kid };
        }

        if (keys.Count == 0)
        {
            // A tenant always publishes a key; an empty set is a broken response, never a reason to drop every key.
            throw new InvalidDataException("The JWKS document holds no usable RS256 signing key.");
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The bits of a big-endian unsigned integer without leading zero bytes: whole bytes below the top one, plus the top one's.</summary>
    private static int BitLength(byte[] value) =>
        value.Length == 0 ? 0 : ((value.Length - 1) * 8) + int.Log2(value[0]) + 1;

    /// <summary>
    /// Whether RSA accepts these parameters (it refuses an exponent of 0, 1 or 2, a modulus over 16384 bits...).
    /// Checked once here so that a bad key is left out instead of failing each token that names it.
    /// </summary>
    private static bool CanImport(RSAParameters parameters)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportParameters(parameters);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
