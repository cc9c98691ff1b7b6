using System.Collections.Frozen;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Authentication.Keys;

/// <summary>What one JWKS document gives this API: the keys it trusts by <c>kid</c>, and those it left out.</summary>
internal sealed record JwksKeys(FrozenDictionary<string, SecurityKey> Trusted, IReadOnlyList<LeftOutKey> LeftOut);
