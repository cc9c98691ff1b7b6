var builder = WebApplication.CreateBuilder(args);

builder.AddApiLogging();
builder.AddAuthActionAuthentication();
builder.AddLocalTenant();
builder.Services.AddApiProblemDetails();
builder.Services.AddAuthorization();
builder.Services.AddControllers();
builder.Services.AddApiHealthChecks();

var app = builder.Build();

app.UseApiRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapLocalTenant();
app.MapControllers();
app.MapApiHealthChecks();

app.Run();

/// <summary>The app's entry point, public so the tests' WebApplicationFactory can host it.</summary>
public partial class Program;
