# Build the Windows installer of 调解工作台 (Mediator Desktop) on a Windows 10/11 x64 PC:
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# 1. compiles the Designer forms, 2. runs PyInstaller with the shared spec (packaging\mediator-desktop.spec),
# 3. checks the bundle starts, 4. runs Inno Setup's ISCC on packaging\windows\mediator-desktop.iss.
# Result: build\windows\mediator-desktop-<version>-setup.exe (and the bundle in build\windows\dist).
# Needs: Python 3.11+ with the project and its test extras in .venv (see README, "Packaging"),
# Inno Setup 6 (https://jrsoftware.org/isdl.php; per-user or machine-wide install both found).
param(
    [string]$Python = "",
    [string]$Iscc = ""
)
$ErrorActionPreference = "Stop"
$Repo = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
$Out = Join-Path $Repo "build\windows"
Set-Location $Repo

if (-not $Python) { $Python = Join-Path $Repo ".venv\Scripts\python.exe" }
if (-not (Test-Path $Python)) { throw "Python not found at $Python (create .venv first: see README, Packaging)" }
if (-not $Iscc) {
    $candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    $Iscc = $candidates | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $Iscc -or -not (Test-Path $Iscc)) { throw "Inno Setup 6 (ISCC.exe) not found; install it or pass -Iscc PATH" }

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# This checkout's package, whatever an editable install elsewhere points at.
$env:PYTHONPATH = $Repo
$Version = (& $Python -c "import mediator_desktop; print(mediator_desktop.__version__)").Trim()
Write-Host "== Mediator Desktop $Version"

Write-Host "== compiling the Designer forms"
Invoke-Checked $Python @("-m", "mediator_desktop.ui.build_forms")

Write-Host "== PyInstaller bundle"
Invoke-Checked $Python @("-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
    "--distpath", (Join-Path $Out "dist"), "--workpath", (Join-Path $Out "work"),
    (Join-Path $Repo "packaging\mediator-desktop.spec"))
$Bundle = Join-Path $Out "dist\mediator-desktop"
# mediator-desktop.exe is the window (no console); mediator-desktop-cli.exe the command line.
$said = (& (Join-Path $Bundle "mediator-desktop-cli.exe") --version).Trim()
if ($said -ne "mediator-desktop $Version") { throw "the bundle says '$said', expected 'mediator-desktop $Version'" }

# Inno Setup's Simplified Chinese messages (an unofficial translation, not installed with it).
$isccDir = Split-Path $Iscc
$defines = @("/DAppVersion=$Version", "/DBundleDir=$Bundle", "/DOutputDir=$Out")
if (-not (Test-Path (Join-Path $isccDir "Languages\ChineseSimplified.isl"))) {
    $isl = Join-Path $Out "ChineseSimplified.isl"
    if (-not (Test-Path $isl)) {
        Write-Host "== fetching ChineseSimplified.isl from the Inno Setup sources"
        Invoke-WebRequest -UseBasicParsing -OutFile $isl `
            -Uri "https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl"
    }
    $defines += "/DChineseIsl=$isl"
}

Write-Host "== Inno Setup"
Invoke-Checked $Iscc ($defines + @((Join-Path $Repo "packaging\windows\mediator-desktop.iss")))
$setup = Join-Path $Out "mediator-desktop-$Version-setup.exe"
Write-Host ("== built {0} ({1:N0} MB)" -f $setup, ((Get-Item $setup).Length / 1MB))
