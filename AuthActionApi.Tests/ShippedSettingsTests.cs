using System.Text.Json;

namespace AuthActionApi.Tests;

/// <summary>
/// What the build puts beside the app, as a Production image ships it: the base settings hold no secret, and the
/// local tenant's dev clients come only with the Development file.
/// </summary>
public sealed class ShippedSettingsTests
{
    [Test]
    public void BaseSettings_AsBuilt_HoldNoClientSecret()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));

        text.Should().NotContainEquivalentOf("secret", "appsettings.json ships in every image, Production's included");
    }

    [Test]
    public void DevelopmentSettings_AsBuilt_HoldTheLocalTenantsClients()
    {
        using var development = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json")));

        var clients = development.RootElement.GetProperty("LocalTenant").GetProperty("Clients").EnumerateArray()
            .Select(client => client.GetProperty("ClientId").GetString());

        clients.Should().Equal("local-reader", "local-basic");
    }
}
