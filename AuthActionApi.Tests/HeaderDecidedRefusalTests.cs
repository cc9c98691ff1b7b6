using System.Net;
using System.Security.Cryptography;
using System.Text;
using AuthActionApi.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace AuthActionApi.Tests;

/// <summary>
/// A token its header gives away is refused for its header, whatever its payload holds: the payload is never
/// decoded for it. Here the payload is one no JSON reader accepts (empty arrays nested far beyond 64 levels, about
/// 7 KB once encoded), so a refusal that parsed it first would say "malformed" instead. A published <c>kid</c>
/// with a forged signature is likewise refused for its signature before the payload is read.
/// </summary>
public sealed class HeaderDecidedRefusalTests : ApiFixture
{
    private const string Kid = "%KID%";

    /// <summary>Empty arrays nested 2,500 deep: what a flood would send to make each refusal cost a parse.</summary>
    private static readonly string s_unreadablePayload = new string('[', 2500) + new string(']', 2500);

    [TestCase("""{"alg":"none","typ":"JWT","kid":"%KID%"}""", Refusal.UnsupportedAlgorithm)]
    [TestCase("""{"alg":"HS256","typ":"JWT","kid":"%KID%"}""", Refusal.UnsupportedAlgorithm)]
    [TestCase("""{"typ":"JWT","kid":"%KID%"}""", Refusal.UnsupportedAlgorithm)]
    [TestCase("""{"alg":"RS256","kid":"%KID%","jku":"https://attacker.example/jwks.json"}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","kid":"%KID%","jwk":{"kty":"RSA"}}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","kid":"%KID%","x5u":"https://attacker.example/cert.pem"}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","kid":"%KID%","x5c":["MIIB"]}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","kid":"%KID%","crit":["exp"]}""", Refusal.UnsupportedHeader)]
    [TestCase("""{"alg":"RS256","typ":"JWT"}""", Refusal.UnknownSigningKey)]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":null}""", Refusal.UnknownSigningKey)]
    [TestCase("""{"alg":"RS256","typ":"id_token","kid":"%KID%"}""", Refusal.NotAnAccessToken)]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%","cty":42}""", Refusal.Malformed)]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%","x5t":{}}""", Refusal.Malformed)]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%","zip":[]}""", Refusal.Malformed)]
    public async Task GetProtected_HeaderToRefuseOverAnUnreadablePayload_IsRefusedForItsHeader(string header, string reason)
    {
        var token = Forge(header, s_unreadablePayload, RandomSignature());

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(reason);
    }

    [Test]
    public async Task GetProtected_TokenWithoutKid_IsRefusedWithoutAJwksFetch()
    {
        // A host of its own: its tenant counts the fetches. A missing kid names no key a fetch could bring.
        await using var host = await ApiHost.StartAsync(settings: new Dictionary<string, string?> { ["AuthAction:Jwks:RefreshInterval"] = "1.00:00:00" });
        using var client = host.CreateClient();
        await host.WaitForKeysAsync();
        var fetchesBefore = host.Tenant.JwksFetches;

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().WithoutHeader("kid").Build());

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Tenant.JwksFetches.Should().Be(fetchesBefore);
    }

    [Test]
    public async Task GetProtected_ForgedSignatureUnderAPublishedKidOverAnUnreadablePayload_Returns401InvalidSignature()
    {
        var token = Forge("""{"alg":"RS256","typ":"JWT","kid":"%KID%"}""", s_unreadablePayload, RandomSignature());

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.InvalidSignature);
    }

    [Test]
    public async Task GetProtected_UnreadablePayloadSignedByTheTenant_Returns401Malformed()
    {
        // The same payload under a genuine signature is read, and refused as what it is.
        var token = SignedByTenant("""{"alg":"RS256","typ":"JWT","kid":"%KID%"}""", s_unreadablePayload);

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [TestCase("""{"alg":"RS256","alg":"RS256","typ":"JWT","kid":"%KID%"}""")]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%","kid":"%KID%"}""")]
    [TestCase("""{"alg":"RS256","typ":"at+jwt","typ":"JWT","kid":"%KID%"}""")]
    [TestCase("""{"alg":"RS256","\u0061lg":"RS256","typ":"JWT","kid":"%KID%"}""")]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%","x":1,"x":1}""")]
    public async Task GetProtected_HeaderNamingAMemberTwice_Returns401Malformed(string header)
    {
        // Signed by the tenant's real key: only the repeated name is wrong, which a last-one-wins reader accepts.
        var token = SignedByTenant(header, ValidPayload());

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%"}x""")]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%"}{}""")]
    [TestCase("""[{"alg":"RS256","typ":"JWT","kid":"%KID%"}]""")]
    [TestCase("""{"alg":"RS256","typ":"JWT","kid":"%KID%",}""")]
    public async Task GetProtected_HeaderThatIsNotOneJsonObject_Returns401Malformed(string header)
    {
        var token = SignedByTenant(header, ValidPayload());

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_HeaderFollowedByWhitespace_ReturnsProtectedMessage()
    {
        // Whitespace after the object is still one JSON object (RFC 8259 §2).
        var token = SignedByTenant("""{"alg":"RS256","typ":"JWT","kid":"%KID%"} """, ValidPayload());

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase("""{"alg":"RS256","typ":"JWT","ext":{"kid":"made-up","alg":"none"},"kid":"%KID%"}""")]
    [TestCase("""{"alg":"RS256","ext":[["kid"],{"typ":"id_token"}],"typ":"JWT","kid":"%KID%"}""")]
    public async Task GetProtected_NestedHeaderValuesBeforeTheKid_AreSkippedAndReturnProtectedMessage(string header)
    {
        // A member this API does not read is skipped whole: the names nested in it are not headers.
        var token = SignedByTenant(header, ValidPayload());

        var response = await Client.GetWithTokenAsync("/protected", token);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("""{"message":"This is a protected message!"}""");
    }

    [Test]
    public async Task GetProtected_PayloadNotBase64UrlSignedByTheTenant_Returns401Malformed()
    {
        // One character more than whole base64url groups hold: the characters pass the shape check, the signature
        // verifies, and only reading the payload finds it undecodable.
        var header = Encode("""{"alg":"RS256","typ":"JWT","kid":"%KID%"}""".Replace(Kid, Tenant.ActiveKey.Kid, StringComparison.Ordinal));
        var payload = Encode(ValidPayload());
        payload += new string('A', 4 - (payload.Length % 4) + 1);
        var signingInput = header + "." + payload;
        var signature = Tenant.ActiveKey.Rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        var response = await Client.GetWithTokenAsync("/protected", signingInput + "." + Base64UrlEncoder.Encode(signature));

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    [Test]
    public async Task GetProtected_HeaderSegmentNotBase64Url_Returns401Malformed()
    {
        // Base64url characters only, so the shape check passes, but one more than whole groups hold: no decoder reads it.
        var header = Encode("""{"alg":"RS256","typ":"JWT","kid":"%KID%"}""".Replace(Kid, Tenant.ActiveKey.Kid, StringComparison.Ordinal));
        header += new string('A', 4 - (header.Length % 4) + 1);
        var token = header + "." + Encode(ValidPayload()) + "." + RandomSignature();

        var response = await Client.GetWithTokenAsync("/protected", token);

        await response.ShouldBeRefusedAsync(Refusal.Malformed);
    }

    private string Forge(string header, string payload, string signature) =>
        Encode(header.Replace(Kid, Tenant.ActiveKey.Kid, StringComparison.Ordinal)) + "." + Encode(payload) + "." + signature;

    private string SignedByTenant(string header, string payload)
    {
        var signingInput = Encode(header.Replace(Kid, Tenant.ActiveKey.Kid, StringComparison.Ordinal)) + "." + Encode(payload);
        var signature = Tenant.ActiveKey.Rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>The claims of a token the tenant would issue now, unique so that no cached entry answers for it.</summary>
    private string ValidPayload() =>
        Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(Tenant.Token().Unique().Build().Split('.')[1]));

    private static string Encode(string json) => Base64UrlEncoder.Encode(json);

    private static string RandomSignature() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(256));
}
