using System.Net;
using AuthActionApi.Authentication;
using AuthActionApi.Tests.Support;
using Serilog.Events;

namespace AuthActionApi.Tests;

/// <summary>
/// Which published keys the API trusts: RSA keys whose modulus really has at least 2048 bits (RFC 7518 §3.3),
/// however many zero bytes pad it, and whose parameters RSA can import. A key left out is as unknown to a token
/// as one never published, and the tenant's other keys keep working.
/// </summary>
[Parallelizable(ParallelScope.Children)]
public sealed class JwksKeyTests
{

    [TestCase(512)]
    [TestCase(1024)]
    [TestCase(2040)]
    public async Task GetProtected_ShortKeyPaddedTo256Bytes_IsRefusedAsUnknownKey(int bits)
    {
        await using var host = await ApiHost.StartAsync();
        var weak = new TestSigningKey(bits: bits) { PublishedModulusBytes = 256 };
        host.Tenant.Publish(weak);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().SignedWith(weak).Build());

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Keys.Current!.Keys.Keys.Should().Equal(host.Tenant.ActiveKey.Kid);
    }

    [TestCase(256)]
    [TestCase(257)]
    public async Task GetProtected_KeyOfExactly2048Bits_IsAccepted(int publishedModulusBytes)
    {
        await using var host = await ApiHost.StartAsync();
        // 257 bytes is how libraries that prefix a zero byte write it; RFC 7518 asks them not to, but it is the same key.
        var key = new TestSigningKey { PublishedModulusBytes = publishedModulusBytes };
        key.Rsa.ExportParameters(false).Modulus![0].Should().BeGreaterThanOrEqualTo(0x80, "the top bit makes the modulus exactly 2048 bits");
        host.Tenant.Publish(key);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().SignedWith(key).Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase(new byte[] { 0 })]
    [TestCase(new byte[] { 1 })]
    [TestCase(new byte[] { 2 })]
    public async Task GetProtected_KeyWhoseExponentRsaRejects_IsRefusedAsUnknownKey(byte[] exponent)
    {
        await using var host = await ApiHost.StartAsync();
        var broken = new TestSigningKey { PublishedExponent = exponent };
        host.Tenant.Publish(broken);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().SignedWith(broken).Build());

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Keys.Current!.Keys.Keys.Should().Equal(host.Tenant.ActiveKey.Kid);
    }

    [TestCase(new byte[] { 1, 0, 0, 0, 1 }, "an exponent of 33 bits, over 32")]
    [TestCase(new byte[] { 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, "an exponent of 128 bits, over 32")]
    [TestCase(new byte[] { 1, 0, 0 }, "an even exponent (65536)")]
    [TestCase(new byte[] { 0, 0, 1, 0, 0 }, "an even exponent (65536)")]
    public async Task GetProtected_KeyWithAnExponentNoTenantGenerates_IsLeftOutWithWhyAndRefusedAsUnknownKey(byte[] exponent, string why)
    {
        // RSA imports each of these; only a check of the exponent itself leaves the key out.
        await using var host = await ApiHost.StartAsync();
        using var odd = new TestSigningKey { PublishedExponent = exponent };
        host.Tenant.Publish(odd);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().SignedWith(odd).Build());

        await response.ShouldBeRefusedAsync(Refusal.UnknownSigningKey);
        host.Keys.Current!.Keys.Keys.Should().Equal(host.Tenant.ActiveKey.Kid);
        host.Api.Logs.WithEventId(AuthenticationEventIds.SigningKeysLeftOut).Should().ContainSingle()
            .Which.Properties["LeftOut"].ToString().Should().Be($"\"{odd.Kid} ({why})\"");
    }

    [Test]
    public async Task GetProtected_KeyWhoseExponentHasALeadingZeroByte_IsAccepted()
    {
        // 65537 is nearly always written AQAB; a leading zero byte adds length, not value.
        await using var host = await ApiHost.StartAsync();
        using var key = new TestSigningKey { PublishedExponent = [0, 1, 0, 1] };
        host.Tenant.Publish(key);
        using var client = host.Api.CreateClient();
        await host.Api.WaitForKeysAsync();

        var response = await client.GetWithTokenAsync("/protected", host.Tenant.Token().SignedWith(key).Build());

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Fetch_SigningKeyLeftOut_IsLoggedOnceAtWarningWithItsKidAndWhy()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastRefresh);
        using var weak = new TestSigningKey(bits: 1024) { PublishedModulusBytes = 256 };
        host.Tenant.Publish(weak);
        await host.Api.WaitForKeysAsync();

        // Act: the same JWKS, fetched twice more on the schedule.
        await host.Tenant.WaitForFetchesAsync(host.Tenant.JwksFetches + 2);

        var lines = host.Api.Logs.WithEventId(AuthenticationEventIds.SigningKeysLeftOut).ToList();
        lines.Should().ContainSingle("the same keys left out again are not news");
        lines[0].Level.Should().Be(LogEventLevel.Warning);
        lines[0].Properties["LeftOut"].ToString().Should().Be($"\"{weak.Kid} (a modulus of 1024 bits, under 2048)\"");
    }

    [Test]
    public async Task Fetch_LeftOutKeyWithAKidOfKilobytes_IsNamedByItsFirst64Characters()
    {
        // The JWKS comes from outside: what it names reaches the log bounded.
        await using var host = await ApiHost.StartAsync();
        using var weak = new TestSigningKey(kid: new string('k', 5000), bits: 1024);
        host.Tenant.Publish(weak);
        await host.Api.WaitForKeysAsync();
        await Eventually.UntilAsync(() => host.Api.Logs.WithEventId(AuthenticationEventIds.SigningKeysLeftOut).Any(), "the fetch has said what it left out");

        var line = host.Api.Logs.WithEventId(AuthenticationEventIds.SigningKeysLeftOut).Single();

        line.Properties["LeftOut"].ToString().Should().Be($"\"{new string('k', 64)}… (a modulus of 1024 bits, under 2048)\"");
    }

    [Test]
    public async Task Fetch_EncryptionKeyLeftOut_IsNoWarning()
    {
        await using var host = await ApiHost.StartAsync();
        using var encryption = new TestSigningKey { PublishedUse = "enc" };
        host.Tenant.Publish(encryption);
        await host.Api.WaitForKeysAsync();

        await host.Keys.RefreshAsync(CancellationToken.None);

        host.Keys.Current!.Keys.Keys.Should().Equal(host.Tenant.ActiveKey.Kid);
        host.Api.Logs.From("AuthActionApi.Authentication.Keys.JwksKeySource").Should()
            .NotContain(e => e.Level >= LogEventLevel.Warning, "a key that is not for signatures is simply not ours");
    }

    [Test]
    public async Task Fetch_NoUsableKey_FailsNamingEachKeyLeftOutAndWhy()
    {
        await using var host = await ApiHost.StartAsync(settings: ApiHost.FastRefresh);
        using var weak = new TestSigningKey(bits: 1024) { PublishedModulusBytes = 256 };
        host.Tenant.Publish(weak);
        host.Tenant.Unpublish(host.Tenant.ActiveKey);

        await Eventually.UntilAsync(() => host.Keys.LastFailure is not null, "a JWKS fetch has failed");

        host.FetchFailureReasons.Should().Contain(
            $"The JWKS document holds no usable RS256 signing key (left out: {weak.Kid} (a modulus of 1024 bits, under 2048))");
    }
}
