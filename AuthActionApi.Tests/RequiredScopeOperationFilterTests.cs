using System.Text.Json;
using AuthActionApi.OpenApi;
using AuthActionApi.Tests.Support;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace AuthActionApi.Tests;

/// <summary>The Swagger operation filter applied to the app's own API descriptions, as Swashbuckle would apply it.</summary>
public sealed class RequiredScopeOperationFilterTests : ApiFixture
{
    private IReadOnlyList<ApiDescription> _descriptions = null!;

    [OneTimeSetUp]
    public void ReadApiDescriptions() => _descriptions = [.. Api.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items)];

    [Test]
    public void Apply_ScopedAction_DescribesRequiredScope()
    {
        var operation = Apply("protected/scoped", new OpenApiOperation { Description = "Answers a token with the scope." });

        operation.Description.Should().Be("Answers a token with the scope.\n\nRequires scope: `read:messages`");
    }

    [Test]
    public void Apply_ScopedActionWithoutDeclared403_Adds403Problem()
    {
        var operation = Apply("protected/scoped", new OpenApiOperation { Responses = [] });

        var forbidden = operation.Responses!["403"];
        forbidden.Description.Should().Contain("`read:messages`").And.Contain("insufficient_scope");
        forbidden.Content!.Keys.Should().Equal("application/problem+json");
    }

    [Test]
    public void Apply_ScopedActionWithDeclared403_SaysWhyItHappens()
    {
        var operation = Apply("protected/scoped", new OpenApiOperation { Responses = new() { ["403"] = new OpenApiResponse { Description = "Forbidden" } } });

        operation.Responses!["403"].Description.Should().StartWith("The access token is valid but does not grant `read:messages`");
    }

    [TestCase("protected")]
    [TestCase("public")]
    public void Apply_ActionWithoutScope_LeavesOperationAlone(string path)
    {
        var operation = Apply(path, new OpenApiOperation { Description = "Unchanged.", Responses = [] });

        operation.Description.Should().Be("Unchanged.");
        operation.Responses.Should().BeEmpty();
    }

    private OpenApiOperation Apply(string relativePath, OpenApiOperation operation)
    {
        var description = _descriptions.Single(d => d.RelativePath == relativePath);
        var generator = new SchemaGenerator(new SchemaGeneratorOptions(), new JsonSerializerDataContractResolver(new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var method = ((ControllerActionDescriptor)description.ActionDescriptor).MethodInfo;
        new RequiredScopeOperationFilter().Apply(operation, new OperationFilterContext(description, generator, new SchemaRepository(), new OpenApiDocument(), method));
        return operation;
    }
}
