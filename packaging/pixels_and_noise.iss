; Inno Setup 6 script: the Windows installer around the onedir build.
; From the repository root, after the PyInstaller build: iscc packaging\pixels_and_noise.iss
; -> dist\PixelsAndNoise-<version>-setup.exe. Per-user install by default (no admin rights needed;
; the dialog offers "all users"). Unsigned: SmartScreen warns on first start (see README).
; Built and tested only in .github/workflows/installer.yml (no Windows machine here).
#ifndef AppVersion
  #define AppVersion "0.1.0"  ; the workflow passes /DAppVersion=<pyproject version>
#endif

[Setup]
AppId={{6F1C2A3E-5B7D-4E2A-9C1F-0D8B7A6E5C41}
AppName=Pixels & Noise
AppVersion={#AppVersion}
AppPublisher=Pixels & Noise
DefaultDirName={autopf}\Pixels and Noise
DefaultGroupName=Pixels and Noise
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\dist
OutputBaseFilename=PixelsAndNoise-{#AppVersion}-setup
SetupIconFile=icon.ico
UninstallDisplayIcon={app}\pixels-and-noise.exe
Compression=lzma2/ultra64
SolidCompression=yes
LZMAUseSeparateProcess=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; GroupDescription: "Additional icons:"

[Files]
Source: "..\dist\pixels-and-noise\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Pixels & Noise"; Filename: "{app}\pixels-and-noise.exe"
Name: "{group}\Pixels & Noise (lesson)"; Filename: "{app}\pixels-and-noise.exe"; Parameters: "--lesson"
Name: "{autodesktop}\Pixels & Noise"; Filename: "{app}\pixels-and-noise.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\pixels-and-noise.exe"; Description: "Start Pixels & Noise"; Flags: nowait postinstall skipifsilent
