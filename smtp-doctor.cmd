@echo off
rem smtp-doctor launcher for Windows: builds target\smtp-doctor.jar with Maven when it is
rem missing or older than the sources, then runs it with all arguments; the exit code passes through.
setlocal
set "HERE=%~dp0"
rem Reached through a symbolic link on PATH (mklink), %~dp0 is the link's folder, not the
rem project's: follow the links (attribute l: a reparse point) to where this script really is.
set "SELF=%~f0"
for %%F in ("%SELF%") do set "ATTRS=%%~aF"
if /i "%ATTRS:~8,1%"=="l" (
  for /f "usebackq delims=" %%D in (`powershell -NoProfile -Command "$p = Get-Item -LiteralPath $env:SELF; while ($p.LinkType) { $t = @($p.Target)[0]; if (-not [IO.Path]::IsPathRooted($t)) { $t = Join-Path $p.DirectoryName $t }; $p = Get-Item -LiteralPath $t }; $p.DirectoryName"`) do set "HERE=%%D\"
)
set "JAR=%HERE%target\smtp-doctor.jar"
set "JSA=%HERE%target\smtp-doctor.jsa"
set "AOT=%HERE%target\smtp-doctor.aot"
set "AOTCONF=%HERE%target\smtp-doctor.aotconf"
rem One PowerShell call: is the jar older than a source (STALE), and is each class-data archive
rem at least as new as the jar (JSA_OK, AOT_OK)? 1 or 0 each; without an answer, build.
set "STALE=1"
set "JSA_OK=0"
set "AOT_OK=0"
if exist "%JAR%" (
  for /f "usebackq tokens=1-3" %%A in (`powershell -NoProfile -Command "$j=(Get-Item -LiteralPath $env:JAR).LastWriteTime; $n=Get-ChildItem -Recurse -File -LiteralPath (Join-Path $env:HERE 'src\main'),(Join-Path $env:HERE 'pom.xml') -ErrorAction SilentlyContinue | Where-Object { $_.LastWriteTime -gt $j } | Select-Object -First 1; $ok={param($p) if ((Test-Path -LiteralPath $p) -and ((Get-Item -LiteralPath $p).LastWriteTime -ge $j)) {1} else {0}}; Write-Output ('{0} {1} {2}' -f [int][bool]$n, (& $ok $env:JSA), (& $ok $env:AOT))" 2^>nul`) do (
    set "STALE=%%A"
    set "JSA_OK=%%B"
    set "AOT_OK=%%C"
  )
)
if "%STALE%"=="1" (
  where mvn >nul 2>&1 || (echo smtp-doctor: Maven ^(mvn^) is needed to build the first time 1>&2 & exit /b 2)
  echo smtp-doctor: building the jar ^(first run or sources changed^)... 1>&2
  pushd "%HERE%"
  call mvn -q -B -Dmaven.test.skip=true package 1>&2
  if errorlevel 1 (popd & echo smtp-doctor: the build failed ^(see above^) 1>&2 & exit /b 2)
  popd
  del /q "%JSA%" "%AOT%" "%AOTCONF%" 2>nul
  set "JSA_OK=0"
  set "AOT_OK=0"
)
where java >nul 2>&1 || (echo smtp-doctor: a Java 17+ runtime ^(java^) is needed 1>&2 & exit /b 2)

rem Start-up: the same choices as the bash launcher (see its comments and bench/RESULTS.md;
rem the -Xlog options are quoted so that the Windows java launcher does not expand their *).
rem JDK 24+: the JDK's AOT cache, recorded by a check run and assembled right after it; JDK 17-23:
rem an AppCDS archive dumped at the exit of a check run. Either is made again when the jar is
rem newer, never from --help/--version, never when target\ is not writable. The JDK's version
rem comes from the release file beside the bin\java.exe that is first on PATH. Unlike bash, cmd
rem cannot filter stderr alone: the record step's one note goes to stderr (not stdout, which may
rem be --json) once per build of the jar.
set "OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1"
rem A relay runs for months: its own heap bounds, as in the bash launcher (JAVA_OPTS still wins).
if /i "%~1"=="relay" set "OPTS=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xms32m -Xmx128m -Xmn24m -XX:SurvivorRatio=4 -XX:+ExitOnOutOfMemoryError"
set "ASSEMBLE=0"
if "%SMTP_DOCTOR_NO_CDS%"=="1" goto launch
set "FEATURE=0"
set "JAVABIN="
for /f "delims=" %%J in ('where java 2^>nul') do if not defined JAVABIN set "JAVABIN=%%J"
set "JV="
for %%J in ("%JAVABIN%") do if exist "%%~dpJ..\release" (
  for /f "usebackq tokens=2 delims==" %%V in (`findstr /b /c:"JAVA_VERSION=" "%%~dpJ..\release"`) do set "JV=%%~V"
)
if defined JV for /f "tokens=1 delims=." %%F in ("%JV%") do set "FEATURE=%%F"
set "WANTS=0"
call :archive_from_this_run %*
if not errorlevel 1 set "WANTS=1"
rem Without parenthesised blocks: a path such as "Program Files (x86)" would end them.
if %FEATURE% GEQ 24 goto aot
if "%JSA_OK%"=="1" goto cds_use
if "%WANTS%"=="1" goto cds_dump
goto launch
:cds_use
set OPTS=%OPTS% -XX:SharedArchiveFile="%JSA%" "-Xlog:cds*=off"
goto launch
:cds_dump
set OPTS=%OPTS% -XX:ArchiveClassesAtExit="%JSA%" "-Xlog:cds*=off"
goto launch
:aot
if "%AOT_OK%"=="1" goto aot_use
if "%WANTS%"=="1" goto aot_record
goto launch
:aot_use
set OPTS=%OPTS% -XX:AOTCache="%AOT%" "-Xlog:aot*=off,cds*=off"
goto launch
:aot_record
del /q "%AOT%" "%AOTCONF%" 2>nul
set OPTS=%OPTS% -XX:AOTMode=record -XX:AOTConfiguration="%AOTCONF%" "-Xlog:aot*=off,cds*=off" -XX:+DisplayVMOutputToStderr
set "ASSEMBLE=1"
:launch
if not "%ASSEMBLE%"=="1" goto run
java %OPTS% %JAVA_OPTS% -jar "%JAR%" %*
set "RC=%ERRORLEVEL%"
if exist "%AOTCONF%" (
  java -XX:AOTMode=create -XX:AOTConfiguration="%AOTCONF%" -XX:AOTCache="%AOT%" "-Xlog:aot*=off,cds*=off" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "%JAR%" >nul 2>&1 || del /q "%AOT%" 2>nul
  del /q "%AOTCONF%" 2>nul
)
exit /b %RC%
:run
java %OPTS% %JAVA_OPTS% -jar "%JAR%" %*
exit /b %ERRORLEVEL%

rem errorlevel 0 when this run may make the archive: a check that is not --help/--version, target\ writable
:archive_from_this_run
if /i not "%~1"=="check" exit /b 1
(echo.>"%HERE%target\.smtp-doctor-writable") 2>nul || exit /b 1
del /q "%HERE%target\.smtp-doctor-writable" 2>nul
:archive_args
shift
if "%~1"=="" exit /b 0
if "%~1"=="-h" exit /b 1
if "%~1"=="--help" exit /b 1
if "%~1"=="-V" exit /b 1
if "%~1"=="--version" exit /b 1
goto archive_args
