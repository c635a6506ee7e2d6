; Inno Setup 6 script of the Windows installer of 调解工作台 (Mediator Desktop).
; Saved as UTF-8 with a byte-order mark: Inno Setup reads a script without one in the ANSI code page.
; Built by packaging\windows\build.ps1 after PyInstaller (packaging\mediator-desktop.spec):
;   ISCC /DAppVersion=0.1.0 /DBundleDir=...\dist\mediator-desktop /DOutputDir=... mediator-desktop.iss
;
; Per user, no administrator rights: installs into %LOCALAPPDATA%\Programs\MediatorDesktop, a
; Start-menu entry 调解工作台, optionally a desktop shortcut; the installer speaks Chinese.
; Uninstalling removes the program only: the user's data (%LOCALAPPDATA%\mediator-desktop: the
; database, backups, logs) and settings stay, as on Linux.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=x.y.z (build.ps1 does)
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\windows\dist\mediator-desktop"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\build\windows"
#endif
; Inno Setup's Simplified Chinese messages are an "unofficial" translation, not installed with the
; compiler; build.ps1 fetches ChineseSimplified.isl from the Inno Setup sources when it is missing.
#ifndef ChineseIsl
  #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
#endif

#define AppName "调解工作台"
#define AppExe "mediator-desktop.exe"

[Setup]
AppId={{435F4759-BF2A-4865-8DCA-53D0F4E03E8C}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Mediator Desktop
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={autopf}\MediatorDesktop
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#OutputDir}
OutputBaseFilename=mediator-desktop-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\mediator-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=no
; The program must not run while its files are replaced.
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An update replaces the whole bundle: no library of the previous version is left behind.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Comment: "人民调解案件管理"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
