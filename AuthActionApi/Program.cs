using AuthActionApi.Authentication;
using AuthActionApi.Authorization;
using AuthActionApi.Controllers;
using AuthActionApi.Health;
using AuthActionApi.Hosting;
using AuthActionApi.Http;
using AuthActionApi.LocalTenant;
using AuthActionApi.Logging;
using AuthActionApi.OpenApi;
using AuthActionApi.Settings;
using AuthActionApi.Telemetry;
using Microsoft.AspNetCore.Authentication.JwtBearer;

var builder = WebApplication.CreateBuilder(ApiBuilderOptions.Create(args));
builder.Configuration.AddNestJsAuthActionVariables();

builder.AddApiLogging();
builder.AddGracefulShutdown();
// AuthAction access tokens, as the app's default scheme; TokenValidatedHandler is the NestJS validate(payload).
builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
    .AddAuthAction(builder.Configuration.GetSection(AuthActionOptions.SectionName),
        jwtBearer => jwtBearer.Events.OnTokenValidated = TokenValidatedHandler.OnTokenValidated);
builder.AddLocalTenant();
builder.AddApiProblemDetails();
builder.Services.AddScopeAuthorization();
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
