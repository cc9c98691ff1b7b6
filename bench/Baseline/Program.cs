// A vanilla ASP.NET Core minimal API with JwtBearer, written as the docs show it: the "bare app" that
// bench/run.sh measures beside AuthActionApi on the same machine, in the same run, against the same tenant.
// Settings: Authority (the tenant, http allowed because it is loopback) and Audience.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.AddAuthentication().AddJwtBearer(options =>
{
    options.Authority = builder.Configuration["Authority"];
    options.Audience = builder.Configuration["Audience"];
    options.RequireHttpsMetadata = false;
});
builder.Services.AddAuthorization();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.MapGet("/public", () => new { message = "This is a public message!" });
app.MapGet("/protected", () => new { message = "This is a protected message!" }).RequireAuthorization();
app.Run();
