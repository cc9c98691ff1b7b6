using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>
/// Parses a JWKS document into the RS256 signing keys this API will trust. Keys that are not RSA, not
/// for signatures, meant for another algorithm, without a <c>kid</c>, with a modulus shorter than 2048 bits
/// (RFC 7518 §3.3, counted in bits, not in the bytes of a possibly zero-padded <c>n</c>), with an exponent that is
/// not an odd number from 3 to 2^32 - 1, or with parameters RSA cannot import are left out, so no key that would fail
/// at request time, or that no tenant would generate, is ever trusted.
/// </summary>
internal static class JwksParser
{
    private const int MinimumModulusBits = 2048;

    /// <summary>
    /// The keys to trust by <c>kid</c>, and in <paramref name="leftOut"/> the published keys left out and why; throws
    /// <see cref="InvalidDataException"/> for a document that is not a JWKS or holds no key to trust.
    /// </summary>
    public static FrozenDictionary<string, SecurityKey> ParseSigningKeys(string json, out IReadOnlyList<LeftOutKey> leftOut)
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
        var left = new List<LeftOutKey>();
        foreach (var jwk in set.Keys)
        {
            if (ReadKey(jwk, out var parameters) is { } why)
            {
                left.Add(why);
                continue;
            }

            keys[jwk.Kid] = new RsaSecurityKey(parameters) { KeyId = jwk.Kid };
        }

        if (keys.Count == 0)
        {
            // A tenant always publishes a key; an empty set is a broken response, never a reason to drop every key.
            var which = left.Count == 0 ? "it lists none" : "left out: " + LeftOutKey.Describe(left);
            throw new InvalidDataException($"The JWKS document holds no usable RS256 signing key ({which})");
        }

        leftOut = left;
        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Why <paramref name="jwk"/> is left out, or <see langword="null"/> and its <paramref name="parameters"/> for a key this API trusts.</summary>
    private static LeftOutKey? ReadKey(JsonWebKey jwk, out RSAParameters parameters)
    {
        parameters = default;
        var kid = jwk.Kid;
        if (jwk.Kty != JsonWebAlgorithmsKeyTypes.RSA)
        {
            return new(kid, $"a {LeftOutKey.Shown(jwk.Kty)} key, not RSA", MeantForSigning: false);
        }

        if (!string.IsNullOrEmpty(jwk.Use) && jwk.Use != JsonWebKeyUseNames.Sig)
        {
            return new(kid, $"for use {LeftOutKey.Shown(jwk.Use)}, not signatures", MeantForSigning: false);
        }

        if (!string.IsNullOrEmpty(jwk.Alg) && jwk.Alg != SecurityAlgorithms.RsaSha256)
        {
            return new(kid, $"for {LeftOutKey.Shown(jwk.Alg)}, not RS256", MeantForSigning: false);
        }

        if (string.IsNullOrEmpty(kid))
        {
            return new(kid, "no kid, which every token names", MeantForSigning: true);
        }

        if (string.IsNullOrEmpty(jwk.N) || string.IsNullOrEmpty(jwk.E))
        {
            return new(kid, "no n or e", MeantForSigning: true);
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
            return new(kid, "n or e is not base64url", MeantForSigning: true);
        }

        // Leading zero bytes add length, not strength: a 1024-bit modulus padded to 256 bytes is still 1024 bits.
        modulus = modulus.AsSpan().TrimStart((byte)0).ToArray();
        var bits = BitLength(modulus);
        if (bits < MinimumModulusBits)
        {
            return new(kid, $"a modulus of {bits} bits, under {MinimumModulusBits}", MeantForSigning: true);
        }

        exponent = exponent.AsSpan().TrimStart((byte)0).ToArray();
        if (ExponentFault(exponent) is { } fault)
        {
            return new(kid, fault, MeantForSigning: true);
        }

        parameters = new RSAParameters { Modulus = modulus, Exponent = exponent };
        return CanImport(parameters) ? null : new(kid, "n and e that RSA cannot import", MeantForSigning: true);
    }

    /// <summary>
    /// Why an exponent is not one to trust, or <see langword="null"/>: RSA public exponents are small odd numbers
    /// (65537 nearly always; RFC 8017 §3.1 asks for 3 to n - 1). One over 32 bits is no key any tenant generates, and
    /// costs every verification more the larger it is; RSA would import it all the same.
    /// </summary>
    private static string? ExponentFault(byte[] exponent)
    {
        if (exponent.Length > 4)
        {
            return $"an exponent of {BitLength(exponent)} bits, over 32";
        }

        var value = 0u;
        foreach (var b in exponent)
        {
            value = (value << 8) | b;
        }

        return value < 3 ? $"an exponent of {value}, under 3"
            : value % 2 == 0 ? $"an even exponent ({value})"
            : null;
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
