using System.Net;
using AuthActionApi.Tests.Support;

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
}
