using System.Runtime.CompilerServices;

namespace AuthActionApi.OpenApi;

/// <summary>Swagger UI and the OpenAPI document, served in Development only.</summary>
public static class ApiDocumentationExtensions
{
    /// <summary>
    /// In Development, describes the API as OpenAPI with an HTTP <c>bearer</c> scheme and a lock on the operations
    /// that need a token. In any other environment it registers nothing.
    /// </summary>
    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        if (!IsServed(builder.Environment))
        {
            return builder;
        }

        AddSwagger(builder.Services);
        return builder;
    }

    /// <summary>In Development, serves Swagger UI at <c>/swagger</c> and the document at <c>/swagger/v1/swagger.json</c>.</summary>
    public static WebApplication UseApiDocumentation(this WebApplication app)
    {
        if (!IsServed(app.Environment))
        {
            return app;
        }

        UseSwagger(app);
        return app;
    }

    // Swashbuckle is named only in these two, so that an instance outside Development never loads its assemblies: a
    // method's compiled code (ReadyToRun or JIT) resolves what it calls before it first runs, even the calls on a
    // branch it never takes, and an inlined copy would bring them back into the methods above.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddSwagger(IServiceCollection services)
    {
        services.AddSwaggerGen();
        services.ConfigureOptions<ConfigureApiDocument>();
        services.ConfigureOptions<ConfigureApiDocumentUi>();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseSwagger(WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI();
    }

    // The document maps every route and Swagger UI is a way to send requests with a token; a production API
    // publishes neither unless someone decides to, so this is the one place to change that decision.
    private static bool IsServed(IHostEnvironment environment) => environment.IsDevelopment();
}
