using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication;

/// <summary>
/// Reads a JWKS document into the RS256 signing keys this API will trust. Keys that are not RSA, not
/// for signatures, meant for another algorithm, shorter than 2048 bits or without a <c>kid</c> are left out.
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

            if (modulus.Length * 8 < MinimumModulusBits)
            {
                continue;
            }

            keys[jwk.Kid] = new RsaSecurityKey(new RSAParameters { Modulus = modulus, Exponent = exponent }) { KeyId = jwk.Kid };
        }

        if (keys.Count == 0)
        {
            // A tenant always publishes a key; an empty set is a broken response, never a reason to drop every key.
            throw new InvalidDataException("The JWKS document holds no usable RS256 signing key.");
        }

        return keys.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
