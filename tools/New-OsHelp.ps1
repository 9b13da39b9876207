<#
.SYNOPSIS
    Generates the module's MAML help and about topic from the code's own XML documentation.
.DESCRIPTION
    PlatyPS is not obtainable here, so this does its job for a binary module: the cmdlet class's
    <summary> is the synopsis, <remarks> the description, each <example> (<code> then <para>) an
    example; each parameter property's <summary> its description. Parameter sets, types, positions,
    pipeline input and aliases come from the loaded cmdlets themselves, so help cannot drift from code.
    A parameter's default value is read from a fresh instance of the cmdlet class (the property's
    initializer: -Port 22, -Ring account, container, object); a default computed at run time (a null
    meaning "~/.ssh/known_hosts") is written in the property's <value> doc element, which then wins.
    Runs in its own process (build.ps1 starts one) because it imports the built DLL.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutputPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$module = Import-Module (Join-Path $ModulePath 'OpenStackLab.dll') -PassThru
$docPath = Join-Path $ModulePath 'OpenStackLab.xml'
if (-not (Test-Path $docPath)) { throw "No XML documentation at $docPath (GenerateDocumentationFile)." }
$doc = [xml](Get-Content $docPath -Raw)
$members = @{}
foreach ($m in $doc.doc.members.member) { $members[$m.name] = $m }
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

function Get-Paragraphs([System.Xml.XmlNode] $node) {
    # Doc-comment XML to plain paragraphs: <para> splits, <see cref> and <c> become their text.
    if (-not $node) { return @() }
    $paras = [System.Collections.Generic.List[string]]::new()
    $current = [System.Text.StringBuilder]::new()
    function Flush { $t = ($current.ToString() -replace '\s+', ' ').Trim(); if ($t) { $paras.Add($t) }; [void]$current.Clear() }
    foreach ($child in $node.ChildNodes) {
        switch ($child.LocalName) {
            '#text' { [void]$current.Append($child.Value) }
            'para' { Flush; foreach ($p in (Get-Paragraphs $child)) { $paras.Add($p) } }
            'see' { $ref = $child.GetAttribute('cref'); if (-not $ref) { $ref = $child.GetAttribute('langword') }; [void]$current.Append(($ref -replace '^.:', '' -split '\.')[-1]) }
            'paramref' { [void]$current.Append('-' + $child.GetAttribute('name')) }
            'example' { }
            'code' { Flush; $paras.Add($child.InnerText.Trim()) }
            default { [void]$current.Append($child.InnerText) }
        }
    }
    Flush
    , $paras.ToArray()
}

function Get-Member([string] $id) { if ($members.ContainsKey($id)) { $members[$id] } }

function Get-TypeName([type] $t) {
    if ($t.IsArray) { return (Get-TypeName $t.GetElementType()) + '[]' }
    if ($t -eq [System.Management.Automation.SwitchParameter]) { return 'SwitchParameter' }
    if ([Nullable]::GetUnderlyingType($t)) { return (Get-TypeName ([Nullable]::GetUnderlyingType($t))) }
    $t.Name
}

function Format-Default($value) {
    # What Get-Help shows as "Default value": the initializer's value; nothing set is "None".
    if ($null -eq $value) { return 'None' }
    if ($value -is [System.Management.Automation.SwitchParameter]) { return "$($value.IsPresent)" }
    if ($value -is [string]) { if ($value) { return $value } else { return 'None' } }
    if ($value -is [System.Collections.IDictionary]) { if ($value.Count) { return "@{ $(($value.Keys | ForEach-Object { "$_ = $($value[$_])" }) -join '; ') }" } else { return 'None' } }
    if ($value -is [System.Collections.IEnumerable]) { $items = @($value); if ($items.Count) { return ($items -join ', ') } else { return 'None' } }
    if ($value -is [TimeSpan]) { return "$($value.TotalSeconds) s" }
    [string]::Format([Globalization.CultureInfo]::InvariantCulture, '{0}', $value)
}

$ns = @{
    maml = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev = 'http://schemas.microsoft.com/maml/dev/2004/10'
}
$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false) }
New-Item -ItemType Directory -Force $OutputPath | Out-Null
$helpFile = Join-Path $OutputPath 'OpenStackLab.dll-Help.xml'
$w = [System.Xml.XmlWriter]::Create($helpFile, $settings)
$w.WriteStartDocument()
$w.WriteStartElement('helpItems', 'http://msh'); $w.WriteAttributeString('schema', 'maml')

function Write-Paras([string] $prefix, [string] $name, [string[]] $paras) {
    $w.WriteStartElement($prefix, $name, $ns[$prefix])
    foreach ($p in $paras) { $w.WriteElementString('maml', 'para', $ns.maml, $p) }
    $w.WriteEndElement()
}

$synopses = [ordered]@{}
$problems = [System.Collections.Generic.List[string]]::new()
foreach ($cmd in Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Noun, Verb) {
    $type = $cmd.ImplementingType
    $classDoc = Get-Member "T:$($type.FullName)"
    $synopsis = (Get-Paragraphs $(if ($classDoc) { $classDoc.SelectSingleNode('summary') })) -join ' '
    $description = Get-Paragraphs $(if ($classDoc) { $classDoc.SelectSingleNode('remarks') })
    $examples = if ($classDoc) { @($classDoc.SelectNodes('example')) } else { @() }
    if (-not $synopsis) { $problems.Add("$($cmd.Name): no <summary>") }
    if ($examples.Count -lt 2) { $problems.Add("$($cmd.Name): fewer than two <example>") }
    $synopses[$cmd.Name] = $synopsis

    $w.WriteStartElement('command', 'command', $ns.command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $cmd.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $cmd.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $cmd.Noun)
    Write-Paras maml description @($synopsis)
    $w.WriteEndElement()
    Write-Paras maml description $description

    $paramDocs = @{}
    $defaults = @{}
    $instance = [Activator]::CreateInstance($type)
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $common }) {
        $prop = $type.GetProperty($p.Name)
        $pdoc = if ($prop) { Get-Member "P:$($prop.DeclaringType.FullName).$($p.Name)" }
        $paramDocs[$p.Name] = @(Get-Paragraphs $(if ($pdoc) { $pdoc.SelectSingleNode('summary') }))
        if (-not $paramDocs[$p.Name]) { $problems.Add("$($cmd.Name) -$($p.Name): no <summary>") }
        $documented = (Get-Paragraphs $(if ($pdoc) { $pdoc.SelectSingleNode('value') })) -join ' '
        $defaults[$p.Name] = if ($documented) { $documented } elseif ($prop) { Format-Default $prop.GetValue($instance) } else { 'None' }
    }
    if ($instance -is [IDisposable]) { $instance.Dispose() }
    function Write-Parameter($p, $attr, [bool] $withDefault) {
        $pipe = @()
        if ($attr.ValueFromPipeline) { $pipe += 'ByValue' }
        if ($attr.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
        $w.WriteStartElement('command', 'parameter', $ns.command)
        # $attr is a CommandParameterInfo (syntax) or a ParameterAttribute (parameter list): IsMandatory vs Mandatory.
        $mandatory = if ($attr.PSObject.Properties['IsMandatory']) { $attr.IsMandatory } else { $attr.Mandatory }
        $w.WriteAttributeString('required', "$mandatory".ToLower())
        $w.WriteAttributeString('variableLength', "$($p.ParameterType.IsArray)".ToLower())
        $w.WriteAttributeString('globbing', 'false')
        $w.WriteAttributeString('pipelineInput', $(if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }))
        $w.WriteAttributeString('position', $(if ($attr.Position -ge 0) { "$($attr.Position)" } else { 'named' }))
        $w.WriteAttributeString('aliases', $(if ($p.Aliases.Count) { $p.Aliases -join ', ' } else { 'none' }))
        $w.WriteElementString('maml', 'name', $ns.maml, $p.Name)
        Write-Paras maml description $paramDocs[$p.Name]
        $typeName = Get-TypeName $p.ParameterType
        if ($typeName -ne 'SwitchParameter') {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'true'); $w.WriteAttributeString('variableLength', "$($p.ParameterType.IsArray)".ToLower())
            $w.WriteString($typeName); $w.WriteEndElement()
        }
        $w.WriteStartElement('dev', 'type', $ns.dev); $w.WriteElementString('maml', 'name', $ns.maml, $p.ParameterType.FullName); $w.WriteEndElement()
        if ($withDefault) { $w.WriteElementString('dev', 'defaultValue', $ns.dev, $(if ($mandatory) { 'None' } else { $defaults[$p.Name] })) }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('command', 'syntax', $ns.command)
    foreach ($set in $cmd.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $cmd.Name)
        foreach ($sp in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            Write-Parameter $cmd.Parameters[$sp.Name] $sp $false
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($p in $cmd.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object Name) {
        $attr = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        Write-Parameter $p $attr $true
    }
    $w.WriteEndElement()

    $inputs = @($cmd.Parameters.Values | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } } | ForEach-Object { $_.ParameterType.FullName } | Sort-Object -Unique)
    $w.WriteStartElement('command', 'inputTypes', $ns.command)
    foreach ($t in $(if ($inputs) { $inputs } else { @('None') })) {
        $w.WriteStartElement('command', 'inputType', $ns.command); $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $t); $w.WriteEndElement(); $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteStartElement('command', 'returnValues', $ns.command)
    foreach ($t in @($cmd.OutputType | ForEach-Object Name)) {
        $w.WriteStartElement('command', 'returnValue', $ns.command); $w.WriteStartElement('dev', 'type', $ns.dev)
        $w.WriteElementString('maml', 'name', $ns.maml, $t); $w.WriteEndElement(); $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    $i = 0
    foreach ($ex in $examples) {
        $i++
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "-------------------------- Example $i --------------------------")
        $code = $ex.SelectSingleNode('code')
        $w.WriteElementString('dev', 'code', $ns.dev, $(if ($code) { ($code.InnerText.Trim() -split "`n" | ForEach-Object { $_.Trim() }) -join "`n" } else { '' }))
        $remarkParas = @($ex.SelectNodes('para') | ForEach-Object { (Get-Paragraphs $_) -join ' ' })
        $w.WriteStartElement('dev', 'remarks', $ns.dev)
        foreach ($r in $remarkParas) { $w.WriteElementString('maml', 'para', $ns.maml, $r) }
        $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    $w.WriteStartElement('maml', 'navigationLink', $ns.maml); $w.WriteElementString('maml', 'linkText', $ns.maml, 'about_OpenStackLab'); $w.WriteEndElement()
    $w.WriteEndElement()
    $w.WriteEndElement() # command
}
$w.WriteEndElement(); $w.WriteEndDocument(); $w.Close()

# The about topic: the hand-written introduction plus a generated command index.
$intro = Get-Content (Join-Path $PSScriptRoot 'about_OpenStackLab.intro.txt') -Raw
$index = ($synopses.GetEnumerator() | ForEach-Object { '    {0,-28} {1}' -f $_.Key, $_.Value }) -join "`n"
$about = $intro.TrimEnd() + "`n`nCOMMANDS`n$index`n`nSEE ALSO`n    Get-Help <command> -Full`n    README.md and docs/ in the project repository`n"
Set-Content -Path (Join-Path $OutputPath 'about_OpenStackLab.help.txt') -Value $about -NoNewline
foreach ($p in $problems) { Write-Warning "help: $p" }
Write-Host "Help: $($synopses.Count) cmdlets -> $helpFile"
