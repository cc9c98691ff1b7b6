var builder = WebApplication.CreateBuilder(AuthActionApi.Hosting.ApiBuilderOptions.Create(args));

builder.AddApiLogging();
builder.AddGracefulShutdown();
builder.AddAuthActionAuthentication();
builder.AddLocalTenant();
builder.AddApiProblemDetails();
builder.AddScopeAuthorization();
builder.AddApiControllers();
builder.AddApiHealthChecks();
builder.AddApiDocumentation();
builder.AddApiTelemetry(untracedPaths: HealthCheckExtensions.Root);

var app = builder.Build();

app.UseGracefulShutdown();
app.UseApiRequestLogging(quietPaths: HealthCheckExtensions.Root);
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiDocumentation();
app.UseAuthentication();
app.UseAuthorization();
app.MapLocalTenant();
app.MapControllers();
app.MapApiHealthChecks();
app.MapApiTelemetry();

return await app.RunApiAsync();

/// <summary>The app's entry point, public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
