using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Validation;

/// <summary>
/// RS256 over the ASCII bytes of <c>header.payload</c> (RFC 7515 §5.2), checked before the payload is decoded, so a
/// forged signature under a published <c>kid</c> costs one RSA operation and never a parse. The signature provider
/// is IdentityModel's own, which its factory caches per key, so a key's RSA object is made once, not per token.
/// </summary>
internal static class Rs256Signature
{
    public static bool Verifies(string token, SecurityKey key)
    {
        var end = token.LastIndexOf('.');
        var encodedSignature = token.AsSpan(end + 1);
        if (encodedSignature.IsEmpty || !Base64Url.IsValid(encodedSignature, out var signatureLength))
        {
            return false;
        }

        // The provider verifies a whole array: the signature gets one of its exact length (256 bytes for 2048 bits).
        var signature = new byte[signatureLength];
        Base64Url.DecodeFromChars(encodedSignature, signature);
        var input = ArrayPool<byte>.Shared.Rent(end);
        var factory = key.CryptoProviderFactory;
        var provider = factory.CreateForVerifying(key, SecurityAlgorithms.RsaSha256);
        try
        {
            var inputLength = Encoding.ASCII.GetBytes(token.AsSpan(0, end), input);
            return provider.Verify(input, 0, inputLength, signature, 0, signature.Length);
        }
        catch (CryptographicException)
        {
            return false;
        }
        finally
        {
            factory.ReleaseSignatureProvider(provider);
            ArrayPool<byte>.Shared.Return(input);
        }
    }
}
