var builder = WebApplication.CreateBuilder(args);

builder.AddApiLogging();
builder.AddGracefulShutdown();
builder.AddAuthActionAuthentication();
builder.AddLocalTenant();
builder.Services.AddApiProblemDetails();
builder.Services.AddScopeAuthorization();
builder.Services.AddControllers();
builder.Services.AddApiHealthChecks();
builder.AddApiDocumentation();

var app = builder.Build();

app.UseGracefulShutdown();
app.UseApiRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseApiDocumentation();
app.UseAuthentication();
app.UseAuthorization();
app.MapLocalTenant();
app.MapControllers();
app.MapApiHealthChecks();

return await app.RunApiAsync();

/// <summary>The app's entry point, public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
