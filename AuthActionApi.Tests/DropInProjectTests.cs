using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AuthActionApi.Tests.Support;

namespace AuthActionApi.Tests;

/// <summary>
/// The README's promise, done as a user would do it: <c>Authentication/</c> and <c>Authorization/</c> copied into a
/// fresh web project that references only JwtBearer and the IdentityModel packages, one call added, built with the
/// SDK and run as its own process against a tenant. If either folder ever reaches into another folder of this app,
/// or needs a package of its own, this build fails; so does a README snippet that does not compile as pasted.
/// </summary>
[NonParallelizable]
public sealed class DropInProjectTests
{
    private const string ProgramSource = """
        using System.Security.Claims;
        using AuthActionApi.Authentication;
        using AuthActionApi.Authorization;
        using Microsoft.AspNetCore.Authentication;
        using Microsoft.AspNetCore.Authentication.Cookies;
        using Microsoft.AspNetCore.Authorization;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie()
            .AddAuthAction(builder.Configuration.GetSection("AuthAction"), authenticationScheme: "AuthAction");
        builder.Services.AddScopeAuthorization();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/default-scheme", async (IAuthenticationSchemeProvider schemes) => (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);
        app.MapGet("/authaction", (ClaimsPrincipal user) => user.FindFirst("sub")?.Value)
            .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = "AuthAction" });
        app.MapGet("/authaction/scoped", (ClaimsPrincipal user) => user.FindFirst("sub")?.Value)
            .RequireAuthorization(new RequireScopeAttribute("read:messages") { AuthenticationSchemes = "AuthAction" });
        app.Run();
        """;

    private string _project = null!;

    [OneTimeSetUp]
    public async Task CreateProjectAsync()
    {
        // Outside the repository, so none of its Directory.*.props, analyzers or package pins apply.
        _project = Directory.CreateTempSubdirectory("authaction-dropin-").FullName;
        var repository = RepositoryRoot();
        foreach (var folder in new[] { "Authentication", "Authorization" })
        {
            CopyDirectory(Path.Combine(repository, "AuthActionApi", folder), Path.Combine(_project, folder));
        }

        await File.WriteAllTextAsync(Path.Combine(_project, "DropIn.csproj"), ProjectFile(repository));
        await File.WriteAllTextAsync(Path.Combine(_project, "Program.cs"), ProgramSource);
        foreach (var (file, source) in ReadmeSnippets(repository))
        {
            await File.WriteAllTextAsync(Path.Combine(_project, "Readme" + Path.GetFileName(file)), source);
        }

        var (exitCode, output) = await RunAsync("dotnet", ["build", "-c", "Release", "-nologo", "-v", "q"], TimeSpan.FromMinutes(5));
        exitCode.Should().Be(0, "the two folders build on their own in a fresh web project:\n" + output);
    }

    [OneTimeTearDown]
    public void DeleteProject() => Directory.Delete(_project, recursive: true);

    [Test]
    public async Task DroppedIn_TenantToken_IsAcceptedUnderItsSchemeAndTheDefaultSchemeIsUntouched()
    {
        await using var tenant = await TestTenant.StartAsync();
        using var app = await StartAsync(tenant);
        using var client = new HttpClient { BaseAddress = app.Address };

        var defaultScheme = await client.GetStringAsync("/default-scheme");
        HttpResponseMessage accepted = null!;
        await Eventually.UntilAsync(
            async () => (accepted = await client.GetWithTokenAsync("/authaction", tenant.Token().Build())).StatusCode == HttpStatusCode.OK,
            "the dropped-in app has loaded the tenant's keys");
        var forged = await client.GetWithTokenAsync("/authaction", tenant.Token().Audience("https://another.api").Build());
        var lacking = await client.GetWithTokenAsync("/authaction/scoped", tenant.Token().Scope("other:scope").Build());

        defaultScheme.Should().Be("Cookies");
        (await accepted.Content.ReadAsStringAsync()).Should().Be("test-client@clients");
        await forged.ShouldBeRefusedAsync(Refusal.InvalidAudience);
        await lacking.ShouldLackScopesAsync(["read:messages"], ["read:messages"]);
    }

    [Test]
    public void ReadmeSnippets_AsPasted_CompileInTheDroppedInProject()
    {
        // The build above compiled them; this names which, so a README edit that loses a snippet's marker fails here.
        ReadmeSnippets(RepositoryRoot()).Select(snippet => snippet.File)
            .Should().Equal("Program.cs", "Controllers/CallerController.cs");
    }

    /// <summary>
    /// The README's C# blocks that open with a <c>// File.cs</c> line, as a user pastes them. A <c>Program.cs</c> block
    /// is a fragment of top-level statements: its <c>using</c> lines go first and the rest into a method that has the
    /// <c>builder</c> a Program.cs has. Any other block is a whole file.
    /// </summary>
    private static IEnumerable<(string File, string Source)> ReadmeSnippets(string repository)
    {
        var readme = File.ReadAllText(Path.Combine(repository, "README.md"));
        foreach (Match block in Regex.Matches(readme, @"^```csharp\n// (?<file>\S+\.cs)\n(?<body>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline))
        {
            var file = block.Groups["file"].Value;
            var body = block.Groups["body"].Value;
            if (file != "Program.cs")
            {
                yield return (file, body);
                continue;
            }

            var lines = body.Split('\n');
            var usings = lines.TakeWhile(line => line.StartsWith("using ", StringComparison.Ordinal));
            var statements = lines.SkipWhile(line => line.StartsWith("using ", StringComparison.Ordinal));
            yield return (file, $$"""
                {{string.Join('\n', usings)}}

                internal static class ReadmeProgramSnippet
                {
                    internal static void Apply(WebApplicationBuilder builder)
                    {
                {{string.Join('\n', statements)}}
                    }
                }
                """);
        }
    }

    private async Task<AppProcess.RunningApp> StartAsync(TestTenant tenant)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(_project, "bin", "Release", "net10.0", "DropIn.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = _project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["AuthAction__Domain"] = tenant.Domain;
        start.Environment["AuthAction__Audience"] = tenant.Audience;
        var app = new AppProcess.RunningApp(Process.Start(start)!);
        try
        {
            await Eventually.UntilAsync(() => app.Address is not null || app.Process.HasExited, "the dropped-in app listens", TimeSpan.FromSeconds(60));
            return app.Address is not null ? app : throw new InvalidOperationException("The dropped-in app exited: " + app.Output);
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    private static string ProjectFile(string repository)
    {
        // The versions this app pins, so the copy builds against what the tests here ran against.
        var pins = XDocument.Load(Path.Combine(repository, "Directory.Packages.props"));
        var identityModel = pins.Descendants("IdentityModelVersion").Single().Value;
        var jwtBearer = pins.Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "Microsoft.AspNetCore.Authentication.JwtBearer").Attribute("Version")!.Value;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Microsoft.AspNetCore.Authentication.JwtBearer" Version="{jwtBearer}" />
                <PackageReference Include="Microsoft.IdentityModel.Tokens" Version="{identityModel}" />
                <PackageReference Include="Microsoft.IdentityModel.JsonWebTokens" Version="{identityModel}" />
                <PackageReference Include="Microsoft.IdentityModel.Protocols.OpenIdConnect" Version="{identityModel}" />
              </ItemGroup>
            </Project>
            """;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string command, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(command, arguments)
        {
            WorkingDirectory = _project,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "AuthActionApi.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("No AuthActionApi.sln above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*.cs", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
