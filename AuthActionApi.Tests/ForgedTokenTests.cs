using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AuthActionApi.Authentication.Validation;
using AuthActionApi.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Tests;

/// <summary>
/// Every forged or misdirected token a client might send is refused with 401 and the reason in
/// <c>WWW-Authenticate</c>, never a 5xx and never a 200.
/// </summary>
public sealed class ForgedTokenTests : ApiFixture
{
    [Test]
    public async Task GetProtected_AlgNoneWithTrailingDot_Returns401UnsupportedAlgorithm()
    {
        var unsigned = Tenant.Token().Header("alg", "none").SignedBy(_ => []).Build();

        var response = await Client.GetWithTokenAsync("/protected", unsigned);

        unsigned.Should().EndWith(".");
        await response.ShouldBeRefusedAsync(Refusal.UnsupportedAlgorithm);
    }

    [Test]
    public async Task GetProtected_AlgNoneWithoutTrailingDot_Returns401Malformed()
    {
        var unsigned = Tenant.Token().Header("alg", "none").SignedBy(_ => []).Build().TrimEnd('.');

        var response = await Client.GetWithTokenAsync("/protected", unsigned);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_Hs256SignedWithThePublicKey_Returns401UnsupportedAlgorithm()
    {
        var publicKey = Tenant.ActiveKey.PublicKeyBytes;
        var confused = Tenant.Token().Header("alg", "HS256").SignedBy(input => HMACSHA256.HashData(publicKey, input)).Build();

        var response = await Client.GetWithTokenAsync("/protected", confused);

        await response.ShouldBeRefusedAsync(Refusal.UnsupportedAlgorithm);
    }

    [TestCase("RS384")]
    [TestCase("RS512")]
    [TestCase("PS256")]
    public async Task GetProtected_OtherRsaAlgorithmWithThePublishedKey_Returns401UnsupportedAlgorithm(string alg)
    {
        // Signed by the tenant's real key: only the algorithm is wrong, which .NET's defaults would accept.
        var token = Tenant.Token().Header("alg", alg).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnsupportedAlgorithm);
    }

    [Test]
    public async Task GetProtected_Es256Token_Returns401UnsupportedAlgorithm()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = Tenant.Token().Header("alg", "ES256").SignedBy(input => ecdsa.SignData(input, HashAlgorithmName.SHA256)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnsupportedAlgorithm);
    }

    [Test]
    public async Task GetProtected_UnpublishedKeyReusingPublishedKid_Returns401InvalidSignature()
    {
        using var attackerKey = new TestSigningKey();
        var token = Tenant.Token().SignedWith(attackerKey, useItsKid: false).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidSignature);
    }

    [Test]
    public async Task GetProtected_TamperedPayload_Returns401InvalidSignature()
    {
        var genuine = Tenant.Token().Scope("read:messages").Build().Split('.');
        var tampered = Tenant.Token().Scope("read:messages admin").Build().Split('.');
        var token = string.Join('.', genuine[0], tampered[1], genuine[2]);

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidSignature);
    }

    [Test]
    public async Task GetProtected_StrippedSignature_Returns401InvalidSignature()
    {
        var parts = Tenant.Token().Build().Split('.');

        var response = await Client.GetWithTokenAsync("/protected", parts[0] + "." + parts[1] + ".");

        await response.ShouldBeRefusedAsync(Refusal.InvalidSignature);
    }

    [Test]
    public async Task GetProtected_ExpiredBeyondTheSkew_Returns401Expired()
    {
        // Two minutes late: inside .NET's default five-minute skew, outside this API's 30 seconds.
        var token = Tenant.Token()
            .Claim("iat", DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds())
            .ExpiresAt(DateTimeOffset.UtcNow.AddMinutes(-2))
            .Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Expired);
    }

    [Test]
    public async Task GetProtected_ExpiredWithinTheSkew_ReturnsProtectedMessage()
    {
        var token = Tenant.Token().ExpiresAt(DateTimeOffset.UtcNow.AddSeconds(-5)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task GetProtected_NotBeforeInTheFuture_Returns401NotYetValid()
    {
        var token = Tenant.Token().NotBefore(DateTimeOffset.UtcNow.AddMinutes(2)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.NotYetValid);
    }

    [Test]
    public async Task GetProtected_NoExpiry_Returns401NoExpiry()
    {
        var token = Tenant.Token().WithoutClaim("exp").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.NoExpiry);
    }

    [Test]
    public async Task GetProtected_WrongIssuer_Returns401InvalidIssuer()
    {
        var token = Tenant.Token().Issuer("https://evil.authaction.com/").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidIssuer);
    }

    [TestCase("{0}//")]
    [TestCase("{0}/ ")]
    [TestCase(" {0}/")]
    [TestCase("{0}/oauth2")]
    [TestCase("{0}/?")]
    [TestCase("{0}#")]
    [TestCase("{1}/")]
    [TestCase("{2}/")]
    public async Task GetProtected_OtherIssuerSpelling_Returns401InvalidIssuer(string spelling)
    {
        var domain = new Uri(Tenant.Domain);
        var issuer = string.Format(System.Globalization.CultureInfo.InvariantCulture, spelling,
            Tenant.Domain, Tenant.Domain.ToUpperInvariant(), $"http://localhost:{domain.Port}");
        var token = Tenant.Token().Issuer(issuer).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidIssuer);
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task GetProtected_EitherAcceptedIssuerSpelling_ReturnsProtectedMessage(bool trailingSlash)
    {
        var token = Tenant.Token().Issuer(trailingSlash ? Tenant.Domain + "/" : Tenant.Domain).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task GetProtected_WrongAudience_Returns401InvalidAudience()
    {
        var token = Tenant.Token().Audience("https://another.api").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
    }

    [Test]
    public async Task GetProtected_AudienceArrayWithoutOurs_Returns401InvalidAudience()
    {
        var token = Tenant.Token().Audience("https://another.api", "https://third.api").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
    }

    [TestCase("{0}/")]
    [TestCase("{0} ")]
    [TestCase("{1}")]
    public async Task GetProtected_OtherAudienceSpelling_Returns401InvalidAudience(string spelling)
    {
        // RFC 7519 compares aud as an exact string; IdentityModel alone would also accept a trailing slash.
        var audience = string.Format(System.Globalization.CultureInfo.InvariantCulture, spelling, Tenant.Audience, Tenant.Audience.ToUpperInvariant());
        var token = Tenant.Token().Audience(audience).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidAudience);
    }

    [Test]
    public async Task GetProtected_AudienceArrayWithOurs_ReturnsProtectedMessage()
    {
        var token = Tenant.Token().Audience("https://another.api", Tenant.Audience).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task GetProtected_EmbeddedJwkHeader_Returns401UnsupportedHeaderWithoutTrustingIt()
    {
        // The attacker signs with its own key and embeds it, reusing a published kid so only the jwk header decides.
        using var attackerKey = new TestSigningKey(Tenant.ActiveKey.Kid);
        var token = Tenant.Token()
            .Header("jwk", JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(attackerKey.PublicJwk)))
            .SignedWith(attackerKey)
            .Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnsupportedHeader);
    }

    [TestCase("jku")]
    [TestCase("x5u")]
    public async Task GetProtected_KeyUrlHeader_Returns401UnsupportedHeaderWithoutFetchingIt(string header)
    {
        // The URL is the tenant's own JWKS, so a fetch would be counted; the token is otherwise valid.
        var fetchesBefore = Tenant.JwksFetches;
        var token = Tenant.Token().Header(header, Tenant.Domain + "/.well-known/jwks.json").Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnsupportedHeader);
        Tenant.JwksFetches.Should().Be(fetchesBefore);
    }

    [TestCase("../../dev/null")]
    [TestCase("' OR 1=1 --")]
    [TestCase("")]
    public async Task GetProtected_HostileKid_Returns401UnknownSigningKey(string kid)
    {
        var token = Tenant.Token().Header("kid", kid).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
    }

    [Test]
    public async Task GetProtected_UnknownKidOverAPayloadThatIsNotJson_Returns401UnknownSigningKey()
    {
        // The header is read first: a kid that names no published key refuses the token before its payload is decoded.
        var header = Base64UrlEncoder.Encode("""{"alg":"RS256","typ":"JWT","kid":"made-up"}""");
        var token = header + "." + Base64UrlEncoder.Encode("not json at all") + "." + RandomSegment(256);

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
    }

    [TestCase("""{"alg":"HS256","kid":"made-up"}""", Refusal.UnsupportedAlgorithm)]
    [TestCase("""{"kid":"made-up"}""", Refusal.UnsupportedAlgorithm)]
    [TestCase("""{"alg":"RS256","kid":"made-up","jku":"https://attacker.example/jwks.json"}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","kid":"made-up","crit":["exp"]}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","kid":"made-up",""", Refusal.Malformed)]
    public async Task GetProtected_UnknownKidInAHeaderThatFailsAnotherCheck_IsRefusedForThatCheck(string header, string reason)
    {
        // Only a header that passes every other check is refused for its kid: the rest keep the reason a full parse gives.
        var payload = Tenant.Token().Build().Split('.')[1];
        var token = Base64UrlEncoder.Encode(header) + "." + payload + "." + RandomSegment(256);

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(reason);
    }

    [Test]
    public async Task GetProtected_UnknownKidInAHeaderOfSeveralKilobytes_Returns401UnknownSigningKey()
    {
        // Within the token length limit, a header too large for the reader's stack buffer is read from a rented one.
        var token = Tenant.Token().Header("kid", "made-up-" + new string('k', 5000)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
    }

    [TestCase(1000, "made-up")]
    [TestCase(1000, null)]
    [TestCase(63, "made-up")]
    public async Task GetProtected_HeaderNestedBeyondWhatJsonReadersAllow_Returns401(int depth, string? kid)
    {
        // A header any reader gives up on (System.Text.Json stops at 64 levels) is a refusal, never a 500.
        var nested = new string('[', depth) + new string(']', depth);
        var header = kid is null ? $$"""{"alg":"RS256","x":{{nested}}}""" : $$"""{"alg":"RS256","kid":"{{kid}}","x":{{nested}}}""";
        var payload = Tenant.Token().Build().Split('.')[1];

        var response = await Client.GetWithTokenAsync("/protected", Base64UrlEncoder.Encode(header) + "." + payload + "." + RandomSegment(256));

        await response.ShouldBeRefusedAsync(depth < 64 && kid is not null ? Refusal.UnknownSigningKey : Refusal.Malformed);
    }

    [TestCase("[\"exp\"]")]
    [TestCase("\"exp\"")]
    public async Task GetProtected_CritHeader_Returns401UnsupportedHeader(string crit)
    {
        var token = Tenant.Token().Header("crit", JsonNode.Parse(crit)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.UnsupportedHeader);
    }

    [TestCase("exp")]
    [TestCase("nbf")]
    [TestCase("iat")]
    public async Task GetProtected_DateClaimAsAStringOfDigits_Returns401Malformed(string claim)
    {
        // Signed by the tenant's real key, so only the JSON type is wrong: RFC 7519 NumericDate is a number.
        var when = claim == "exp" ? DateTimeOffset.UtcNow.AddHours(1) : DateTimeOffset.UtcNow.AddMinutes(-1);
        var token = Tenant.Token().Unique().Claim(claim, when.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_NestedClaimNamedExpAsAString_IsNotADateAndIsAccepted()
    {
        var token = Tenant.Token().Unique().Claim("meta", new JsonObject { ["exp"] = "not a date" }).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase("=", TestName = "GetProtected_SignatureWithBase64Padding_Returns401Malformed")]
    [TestCase("+/", TestName = "GetProtected_SignatureInPlainBase64_Returns401Malformed")]
    [TestCase(" ", TestName = "GetProtected_SpaceInsideTheToken_Returns401Malformed")]
    public async Task GetProtected_CharacterOutsideBase64Url_Returns401Malformed(string suffix)
    {
        // A signed token with a character RFC 7515's compact form never holds: base64url has no padding, '+' or '/'.
        var response = await Client.GetWithTokenAsync("/protected", Tenant.Token().Unique().Build() + suffix + "AA");

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_FivePartJweToken_Returns401Malformed()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"RSA-OAEP","enc":"A256GCM","kid":"%KID%"}""".Replace("%KID%", Tenant.ActiveKey.Kid, StringComparison.Ordinal));
        var jwe = string.Join('.', header, RandomSegment(256), RandomSegment(12), RandomSegment(64), RandomSegment(16));

        var response = await Client.GetWithTokenAsync("/protected", jwe);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_MalformedBase64_Returns401Malformed()
    {
        var parts = Tenant.Token().Build().Split('.');

        var response = await Client.GetWithTokenAsync("/protected", parts[0] + ".%%%not*base64%%%." + parts[2]);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [TestCase("[1,2,3]")]
    [TestCase("\"a string\"")]
    [TestCase("42")]
    [TestCase("{\"iss\":")]
    public async Task GetProtected_PayloadNotAJsonObject_Returns401Malformed(string payload)
    {
        var key = Tenant.ActiveKey;
        var signingInput = Base64UrlEncoder.Encode($$"""{"alg":"RS256","typ":"JWT","kid":"{{key.Kid}}"}""") + "." + Base64UrlEncoder.Encode(payload);
        var signature = key.Rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var response = await Client.GetWithTokenAsync("/protected", signingInput + "." + Base64UrlEncoder.Encode(signature));

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(4)]
    [TestCase(6)]
    public async Task GetProtected_WrongSegmentCount_Returns401Malformed(int segments)
    {
        var parts = Tenant.Token().Build().Split('.');
        var token = string.Join('.', Enumerable.Range(0, segments).Select(i => parts[i % parts.Length]));

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_OverlongTokenUnderTheHeaderLimit_Returns401MalformedWithoutFetchingKeys()
    {
        // 12 KB passes Kestrel's header limits but is longer than any AuthAction token: refused before parsing,
        // so its unknown kid never costs a JWKS fetch.
        var fetchesBefore = Tenant.JwksFetches;
        var token = Tenant.Token().Header("kid", "unknown-" + Guid.NewGuid()).Claim("padding", new string('a', 12 * 1024)).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
        Tenant.JwksFetches.Should().Be(fetchesBefore);
    }

    [Test]
    public async Task GetProtected_TokenOfExactlyTheMaximumLength_ReturnsProtectedMessage()
    {
        var token = TokenOfLength(AuthActionTokenHandler.MaximumTokenLength);

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    [Test]
    public async Task GetProtected_TokenOneCharacterOverTheMaximumLength_Returns401Malformed()
    {
        var token = TokenOfLength(AuthActionTokenHandler.MaximumTokenLength + 1);

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_TokenOnlyInQueryString_Returns401WithPlainBearerChallenge()
    {
        var token = Tenant.Token().Build();

        var response = await Client.GetAsync("/protected?access_token=" + Uri.EscapeDataString(token));

        await response.ShouldAskForATokenAsync();
    }

    // Values of the wrong JSON type must end in a 401, never in an exception that becomes a 500.
    [TestCase("header", "kid", "42")]
    [TestCase("header", "kid", "{\"a\":1}")]
    [TestCase("header", "alg", "42")]
    [TestCase("header", "alg", "[\"RS256\"]")]
    [TestCase("header", "typ", "42")]
    [TestCase("header", "cty", "42")]
    [TestCase("header", "x5t", "{\"a\":1}")]
    [TestCase("header", "zip", "[\"DEF\"]")]
    [TestCase("claim", "exp", "\"tomorrow\"")]
    [TestCase("claim", "exp", "1e300")]
    [TestCase("claim", "nbf", "\"soon\"")]
    [TestCase("claim", "aud", "42")]
    [TestCase("claim", "aud", "[42, null]")]
    [TestCase("claim", "iss", "[\"x\"]")]
    public async Task GetProtected_OddlyTypedValue_Returns401Malformed(string where, string name, string json)
    {
        var builder = Tenant.Token();
        var token = (where == "header" ? builder.Header(name, JsonNode.Parse(json)) : builder.Claim(name, JsonNode.Parse(json))).Build();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    /// <summary>
    /// A valid token of exactly <paramref name="length"/> characters, grown by a padding claim. Base64url leaves some
    /// payload lengths out (no segment is 4n+1 long), so a header member of 0 to 2 characters fills the gap.
    /// </summary>
    private string TokenOfLength(int length)
    {
        for (var headerPadding = 0; headerPadding < 3; headerPadding++)
        {
            var estimate = (length - Padded(headerPadding, 0).Length) * 3 / 4;
            for (var padding = Math.Max(0, estimate - 4); padding <= estimate + 4; padding++)
            {
                if (Padded(headerPadding, padding) is { } token && token.Length == length)
                {
                    return token;
                }
            }
        }

        throw new InvalidOperationException($"No token of {length} characters could be built.");
    }

    private string Padded(int headerPadding, int padding) =>
        Tenant.Token().Unique().Header("x", new string('x', headerPadding)).Claim("padding", new string('a', padding)).Build();

    private static string RandomSegment(int bytes) => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(bytes));
}
