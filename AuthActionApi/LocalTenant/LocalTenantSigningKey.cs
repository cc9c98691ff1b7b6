using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.LocalTenant;

/// <summary>The local tenant's RSA key, made fresh at every start and never written anywhere.</summary>
internal sealed class LocalTenantSigningKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public LocalTenantSigningKey()
    {
        Key = new RsaSecurityKey(_rsa);
        Key.KeyId = Base64UrlEncoder.Encode(Key.ComputeJwkThumbprint());
        Credentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256);
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_rsa.ExportParameters(includePrivateParameters: false)) { KeyId = Key.KeyId });
        jwk.Use = JsonWebKeyUseNames.Sig;
        jwk.Alg = SecurityAlgorithms.RsaSha256;
        PublicJwk = jwk;
    }

    public RsaSecurityKey Key { get; }

    public SigningCredentials Credentials { get; }

    public JsonWebKey PublicJwk { get; }

    public void Dispose() => _rsa.Dispose();
}
